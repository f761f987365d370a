export * from './arm-a-plan';
export * from '../../../common/time/calendar-date';
export * from './quarters';
