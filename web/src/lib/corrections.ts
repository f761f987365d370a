/**
 * The API's correction mechanism, shared as is (a pure module without imports from the API's
 * modules): a form compares the values it was opened with to the edited ones and sends exactly
 * the changed fields as a patch.
 */
export {
  diffRecord,
  patchFromChanges,
  type FieldChange,
  type GroupSpec,
  type JsonRecord,
} from '../../../src/common/corrections/corrections';
