/** Jobs that follow an allocation (written to the outbox in the allocation's transaction). */
export const FollowUpJobs = { GenerateSchedule: 'follow-up.generate-schedule' } as const;
export const SchedulingJobs = { BookSlot: 'scheduling.book-slot' } as const;
