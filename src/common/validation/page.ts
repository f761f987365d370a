import { QueryInt } from './validators';

/** Paging for every list: `page` from 1, `pageSize` up to 200 (default 50). */
export class PageQueryDto {
  @QueryInt(1, 1_000_000)
  page?: number;

  @QueryInt(1, 200)
  pageSize?: number;
}

export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

export function pageOf(query: PageQueryDto): { page: number; pageSize: number } {
  return { page: query.page ?? 1, pageSize: query.pageSize ?? 50 };
}
