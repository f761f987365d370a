export * from './arm-a-plan';
export * from 'src/common/time/calendar-date';
export * from './quarters';
