import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const PASSWORD_CHANGE_ALLOWED_KEY = 'auth:password-change-allowed';

/**
 * A signed-in route an account that must change its password may still use (changing it, reading
 * the own account, signing out, refreshing the session). Every other signed-in route answers
 * 403 PASSWORD_CHANGE_REQUIRED for it (`x-password-change-allowed: true` in the OpenAPI document).
 */
export const AllowedBeforePasswordChange = () =>
  applyDecorators(
    SetMetadata(PASSWORD_CHANGE_ALLOWED_KEY, true),
    ApiExtension('x-password-change-allowed', true),
  );
