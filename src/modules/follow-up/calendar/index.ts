export * from 'src/common/time/calendar-date';
export * from './deviation';
export * from './sweep-rules';
export * from './visit-calendar';
export * from './visit-template';
