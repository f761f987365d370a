/**
 * The ODM OIDs of the study, its metadata versions, item groups (datasets) and items (columns):
 * the ODM export defines them and the Dataset-JSON files refer to them, so both take them from here.
 */

/** ODM Study OID (Dataset-JSON `studyOID`). */
export const STUDY_OID = 'RAM-MS';
export const itemGroupOid = (dataset: string) => `IG.${dataset.toUpperCase()}`;
export const itemOid = (name: string) => `IT.${name.toUpperCase()}`;
export const metaDataVersionOid = (version: string) => `MDV.${version}`;
