/** The R4 JSON schema validator (CommonJS, no types of its own): what the tests use of it. */
declare module '@asymmetrik/fhir-json-schema-validator' {
  export default class JSONSchemaValidator {
    constructor(schema?: object, ajvSettings?: object);
    /** The errors found (Ajv error objects, or messages); empty when the resource is valid. */
    validate(resource: object, verbose?: boolean): unknown[];
  }
}
