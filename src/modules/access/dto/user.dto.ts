import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from 'src/common/validation/page';
import {
  QueryBoolean,
  ValidateBoolean,
  ValidateDate,
  ValidateEnum,
  ValidateText,
  ValidateUuid,
} from 'src/common/validation/validators';
import { ROLES, Role } from 'src/common/context/roles';

/** A site membership with the dates of the site's delegation log (both inclusive; absent = open). */
export class MembershipDto {
  @ValidateUuid() siteId: string;
  @ValidateDate({
    optional: true,
    nullable: true,
    description: 'First day of the delegation (inclusive); absent = open',
  })
  startsOn?: string | null;
  @ValidateDate({
    optional: true,
    nullable: true,
    description: 'Last day of the delegation (inclusive); absent = open',
  })
  endsOn?: string | null;
}

/** Absent may be omitted; null is refused (it would say nothing). */
const present = (_: unknown, v: unknown) => v !== undefined;

const Memberships = () =>
  applyDecorators(
    ValidateIf(present),
    IsArray(),
    ArrayMaxSize(50),
    ValidateNested({ each: true }),
    Type(() => MembershipDto),
    ApiPropertyOptional({
      type: () => MembershipDto,
      isArray: true,
      description: 'Site memberships with dates; instead of siteIds (which gives open memberships)',
    }),
  );

export class CreateUserDto {
  @ApiProperty({ format: 'email', maxLength: 254 })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ValidateText(200)
  displayName: string;

  /**
   * 12–128 characters, not containing the e-mail's local part. Left out: the account signs in
   * only through the hospital's identity provider (single sign-on must be configured).
   */
  @ValidateText(128, {
    optional: true,
    description:
      '12 to 128 characters; leave out for an account that signs in only with single sign-on',
  })
  password?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ValidateEnum(ROLES, { each: true })
  roles: Role[];

  @ValidateIf(present)
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateUuid({
    each: true,
    optional: true,
    description: 'Open memberships of these sites; or give memberships',
  })
  siteIds?: string[];

  @Memberships()
  memberships?: MembershipDto[];

  @ValidateBoolean({
    optional: true,
    description: 'Sees every site (coordinating investigator, statistician, monitor)',
  })
  trialWide?: boolean;
}

export class UpdateUserDto {
  @ValidateText(200, { optional: true })
  displayName?: string;

  @ValidateEnum(ROLES, { each: true, optional: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  roles?: Role[];

  @ValidateUuid({
    each: true,
    optional: true,
    description: 'Replaces the memberships by open ones of these sites',
  })
  @IsArray()
  @ArrayMaxSize(50)
  siteIds?: string[];

  @Memberships()
  memberships?: MembershipDto[];

  @ValidateBoolean({ optional: true })
  trialWide?: boolean;

  @ValidateText(500, { optional: true, description: 'Why the change was made (audited)' })
  reason?: string;
}

export class DeactivateUserDto {
  @ValidateText(500, { optional: true })
  reason?: string;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ValidateEnum(ROLES, { optional: true })
  role?: Role;

  @ValidateUuid({ optional: true })
  siteId?: string;

  @QueryBoolean()
  active?: boolean;

  @ValidateText(100, { optional: true })
  q?: string;
}

export class RoleConflictDto {
  @ApiProperty({ example: 'BLINDED_WITH_ARM_ROLE' }) code: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty() message: string;
}

export class UserResponseDto {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty() trialWide: boolean;
  @ApiProperty({ type: [String], description: 'Sites of the memberships current today' })
  siteIds: string[];
  @ApiProperty({ type: () => MembershipDto, isArray: true }) memberships: MembershipDto[];
  @ApiProperty({
    type: () => RoleConflictDto,
    isArray: true,
    description: 'Combination rules this account breaks (to be resolved by an admin)',
  })
  conflicts: RoleConflictDto[];
  @ApiProperty({
    enum: ROLES,
    isArray: true,
    description: 'The roles the account may act in now (least privileged first)',
  })
  actingRoles: Role[];
  @ApiProperty() active: boolean;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) deactivatedAt: string | null;
  @ApiProperty({
    description:
      'The account must choose a new password before anything else (a generated first password, or an admin reset)',
  })
  passwordChangeRequired: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'When the password was last changed' })
  passwordChangedAt: string | null;
}
