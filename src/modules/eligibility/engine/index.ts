export * from './screening-data';
export * from './dates';
export * from './criteria-sets';
export * from './evaluate';
export * from './rules';
