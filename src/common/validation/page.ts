import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
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

const pageTypes = new Map<Type<unknown>, Type<Page<unknown>>>();

/**
 * The OpenAPI schema of a `Page<Item>` answer, named after the item (`UserResponseDto` gives
 * `UserResponsePageDto`), made once per item class: `@ApiOkResponse({ type: PageOf(UserResponseDto) })`.
 */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  const known = pageTypes.get(item);
  if (known) {
    return known as Type<Page<T>>;
  }
  class PageDto {
    @ApiProperty({ type: [item] }) items: T[];
    @ApiProperty({ description: 'All matching items, over every page' }) total: number;
    @ApiProperty({ description: 'From 1' }) page: number;
    @ApiProperty() pageSize: number;
  }
  Object.defineProperty(PageDto, 'name', {
    value: `${item.name.replace(/Dto$/, '')}PageDto`,
  });
  pageTypes.set(item, PageDto);
  return PageDto;
}
