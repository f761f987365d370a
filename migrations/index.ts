import { Foundation1764000000000 } from './1764000000000-Foundation';
import { Participants1764000100000 } from './1764000100000-Participants';

/** Every migration, in order. New migrations are appended here (timestamped names sort in order). */
export const MIGRATIONS = [Foundation1764000000000, Participants1764000100000];
