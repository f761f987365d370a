import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/validation/page';
import {
  QueryBoolean,
  ValidateBoolean,
  ValidateEnum,
  ValidateText,
  ValidateUuid,
} from '../../../common/validation/validators';
import { ROLES, Role } from '../../auth/roles';

export class CreateUserDto {
  @ApiProperty({ format: 'email', maxLength: 254 })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ValidateText(200)
  displayName: string;

  /** 12–128 characters, not containing the e-mail's local part. */
  @ValidateText(128, { description: '12 to 128 characters' })
  password: string;

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(ROLES.length)
  @ValidateEnum(ROLES, { each: true })
  roles: Role[];

  @IsArray() @ArrayMaxSize(50)
  @ValidateUuid({ each: true })
  siteIds: string[];

  @ValidateBoolean({ optional: true, description: 'Sees every site (coordinating investigator, statistician, monitor)' })
  trialWide?: boolean;
}

export class UpdateUserDto {
  @ValidateText(200, { optional: true })
  displayName?: string;

  @ValidateEnum(ROLES, { each: true, optional: true })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(ROLES.length)
  roles?: Role[];

  @ValidateUuid({ each: true, optional: true })
  @IsArray() @ArrayMaxSize(50)
  siteIds?: string[];

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

export class UserResponseDto {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty() trialWide: boolean;
  @ApiProperty({ type: [String] }) siteIds: string[];
  @ApiProperty() active: boolean;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) deactivatedAt: string | null;
}
