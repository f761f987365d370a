import { Injectable } from '@nestjs/common';
import type { Actor } from 'src/common/context/request-context';
import type { Role } from 'src/common/context/roles';
import { buildDictionary } from './dictionary/build-dictionary';
import type { Dictionary } from './dictionary/dictionary.types';

/** Roles that never see an arm: they always get the blinded dictionary. */
export const BLINDED_ROLES: readonly Role[] = ['blinded_assessor'];

@Injectable()
export class ExportsService {
  private readonly built = new Map<boolean, Dictionary>();

  /** The data dictionary; blinded when asked, and always for a blinded role. */
  dictionary(actor: Actor, blinded: boolean): Dictionary {
    const blind = blinded || (BLINDED_ROLES as readonly string[]).includes(actor.role);
    let dictionary = this.built.get(blind);
    if (!dictionary) {
      dictionary = buildDictionary({ blinded: blind });
      this.built.set(blind, dictionary);
    }
    return dictionary;
  }
}
