import { Foundation1764000000000 } from './1764000000000-Foundation';
import { Participants1764000100000 } from './1764000100000-Participants';
import { Allocations1764000300000 } from './1764000300000-Allocations';

/** Every migration, in order. New migrations are appended here (timestamped names sort in order). */
export const MIGRATIONS = [Foundation1764000000000, Participants1764000100000, Allocations1764000300000];
