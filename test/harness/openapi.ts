/** Just enough of an OpenAPI 3 document to drive generated-input tests from it. */
export type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  allOf?: Schema[];
};
export type Operation = {
  parameters?: { name: string; in: string; schema?: Schema; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: unknown[];
};
export type OpenApiDoc = {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

export type WriteOperation = {
  method: 'post' | 'put' | 'patch' | 'delete';
  path: string;
  op: Operation;
  body: Schema | null;
};

export function resolve(doc: OpenApiDoc, schema: Schema | undefined): Schema | undefined {
  if (!schema) {
    return undefined;
  }
  if (schema.$ref) {
    return resolve(doc, doc.components?.schemas?.[schema.$ref.split('/').pop() as string]);
  }
  if (schema.allOf?.length === 1) {
    return resolve(doc, schema.allOf[0]);
  }
  return schema;
}

/** Every write operation of the document with its resolved JSON body schema. */
export function writeOperations(doc: OpenApiDoc): WriteOperation[] {
  const out: WriteOperation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['post', 'put', 'patch', 'delete'].includes(method)) {
        continue;
      }
      const body = resolve(doc, op.requestBody?.content['application/json']?.schema) ?? null;
      out.push({ method: method as WriteOperation['method'], path, op, body });
    }
  }
  return out;
}

/** A value of the wrong JSON type for a schema. */
export function wrongType(schema: Schema | undefined): unknown {
  switch (schema?.type ?? '') {
    case 'string':
      return 12345;
    case 'number':
    case 'integer':
      return 'not a number';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'an array' };
    case 'object':
      return 'not an object';
    default:
      return schema?.enum ? '__not_in_enum__' : ['unexpected'];
  }
}

/** Fills path parameters with syntactically valid values that name nothing. */
export function concretePath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    /quarter/i.test(name) ? '2027-Q1' : '00000000-0000-4000-8000-000000000000',
  );
}
