import type { NationalIdType } from './identity.types';

const digitsOf = (value: string) => value.replace(/[\s-]/g, '');

/** Dutch BSN: 9 digits passing the "elfproef" (9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 mod 11). */
function bsnValid(d: string): boolean {
  if (!/^\d{9}$/.test(d) || /^0+$/.test(d)) {
    return false;
  }
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    sum += (9 - i) * Number(d[i]);
  }
  sum -= Number(d[8]);
  return sum % 11 === 0;
}

/** Norwegian fødselsnummer: 11 digits with two modulus-11 check digits. */
function fnrValid(d: string): boolean {
  if (!/^\d{11}$/.test(d)) {
    return false;
  }
  const check = (weights: number[]) => {
    const sum = weights.reduce((s, w, i) => s + w * Number(d[i]), 0);
    const c = 11 - (sum % 11);
    return c === 11 ? 0 : c;
  };
  const k1 = check([3, 7, 6, 1, 8, 9, 4, 5, 2]);
  const k2 = check([5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
  return k1 !== 10 && k2 !== 10 && k1 === Number(d[9]) && k2 === Number(d[10]);
}

/** Swedish personnummer: 10 or 12 digits, Luhn check over the last 10. */
function pnrValid(d: string): boolean {
  if (!/^(\d{10}|\d{12})$/.test(d)) {
    return false;
  }
  const ten = d.slice(-10);
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let n = Number(ten[i]) * (i % 2 === 0 ? 2 : 1);
    if (n > 9) {
      n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

/** Danish CPR: 10 digits, DDMMYY first (the modulus-11 check was dropped in 2007). */
function cprValid(d: string): boolean {
  if (!/^\d{10}$/.test(d)) {
    return false;
  }
  const day = Number(d.slice(0, 2));
  const month = Number(d.slice(2, 4));
  return day >= 1 && day <= 31 && month >= 1 && month <= 12;
}

/** The stored form of a national id: digits only for the known national schemes. */
export function normaliseNationalId(type: NationalIdType, value: string): string {
  return type === 'other' ? value.trim() : digitsOf(value);
}

/** Why a national id is not valid for its scheme, or null when it is. */
export function nationalIdProblem(type: NationalIdType, value: string): string | null {
  const d = normaliseNationalId(type, value);
  switch (type) {
    case 'nl_bsn':
      return bsnValid(d) ? null : 'is not a valid BSN (9 digits passing the elfproef)';
    case 'no_fnr':
      return fnrValid(d)
        ? null
        : 'is not a valid Norwegian fødselsnummer (11 digits with check digits)';
    case 'se_pnr':
      return pnrValid(d)
        ? null
        : 'is not a valid Swedish personnummer (10 or 12 digits, Luhn check)';
    case 'dk_cpr':
      return cprValid(d) ? null : 'is not a valid Danish CPR number (10 digits, DDMMYY-SSSS)';
    case 'other':
      return d.length > 0 && d.length <= 40 ? null : 'must be 1 to 40 characters';
  }
}
