export * from './neda';
