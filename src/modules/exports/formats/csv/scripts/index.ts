import { rScript } from './r';
import { sasScript } from './sas';
import type { ScriptModel } from './script-model';
import { spssScript } from './spss';
import { stataScript } from './stata';

export { scriptModel } from './script-model';

/** The scripts written beside the CSV files, in this order. */
export const SCRIPTS: readonly { file: string; write: (model: ScriptModel) => string }[] = [
  { file: 'read_data.R', write: rScript },
  { file: 'read_data.sas', write: sasScript },
  { file: 'read_data.sps', write: spssScript },
  { file: 'read_data.do', write: stataScript },
];
