import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { ROLES, Role } from 'src/common/context/roles';
import { siteScope } from 'src/common/context/site-scope';
import { UsersService } from './users.service';

export class StaffMemberDto {
  @ApiProperty() id: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
}

/** Who works at a site: visible to that site's own staff (and trial-wide roles). */
@ApiTags('sites')
@ApiBearerAuth()
@Controller('sites/:siteId/staff')
export class StaffController {
  constructor(private readonly users: UsersService) {}

  /** The active staff of a site (name and roles only). */
  @Get()
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor', 'admin')
  @ApiOkResponse({ type: [StaffMemberDto] })
  @ApiErrors(400, 404)
  async list(
    @Param('siteId', ParseUUIDPipe) siteId: string,
    @CurrentActor() actor: Actor,
  ): Promise<StaffMemberDto[]> {
    const staff = await this.users.staffOfSite(siteId, siteScope(actor));
    return staff.map((u) => ({ id: u.id, displayName: u.displayName, roles: u.roles }));
  }
}
