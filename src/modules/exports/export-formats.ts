import { csvFormat } from './formats/csv/csv.format';
import { datasetJsonFormat } from './formats/dataset-json/dataset-json.format';
import type { ExportFormat } from './formats/format.types';
import { odmFormat } from './formats/odm/odm.format';
import type { ExportFormatId } from './exports.repository';

/** The format writers by id; a format not (yet) available here is refused with 400. */
export const EXPORT_FORMATS: Partial<Record<ExportFormatId, ExportFormat>> = {
  csv: csvFormat,
  odm: odmFormat,
  'dataset-json': datasetJsonFormat,
};
