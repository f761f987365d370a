export * from './arm-a-plan';
export * from './calendar-date';
export * from './quarters';
