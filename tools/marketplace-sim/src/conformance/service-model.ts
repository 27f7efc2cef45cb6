import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** A member of a structure (or a list's member, a map's key or value): the shape it has, where it travels. */
export interface ShapeRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
}

/** One shape of a botocore service model (the keys the checker reads). */
export interface Shape {
  type:
    | 'structure'
    | 'list'
    | 'map'
    | 'string'
    | 'integer'
    | 'long'
    | 'float'
    | 'double'
    | 'boolean'
    | 'timestamp'
    | 'blob';
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  union?: boolean;
  document?: boolean;
  exception?: boolean;
  timestampFormat?: string;
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string };
  input?: { shape: string };
  output?: { shape: string };
  errors?: { shape: string }[];
}

/** AWS's published model of one service, as botocore ships it (`service-2.json`). */
export interface ServiceModel {
  metadata: { protocol: string; serviceId: string; apiVersion: string; timestampFormat?: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

/** The services the simulator serves, by the name botocore gives their model directory. */
export const MODEL_DIRECTORIES = {
  catalog: 'marketplace-catalog',
  agreement: 'marketplace-agreement',
  entitlement: 'marketplace-entitlement',
  metering: 'meteringmarketplace',
  sts: 'sts',
} as const;

export type ModelledService = keyof typeof MODEL_DIRECTORIES;

/**
 * Loads the models `tools/infra/up.sh aws-models` installed (botocore's wheel, pinned): one directory per
 * service with its `service-2.json.gz` (or an unpacked `service-2.json`).
 */
export function loadServiceModels(dir: string): Record<ModelledService, ServiceModel> {
  const read = (service: string): ServiceModel => {
    const packed = join(dir, service, 'service-2.json.gz');
    const plain = join(dir, service, 'service-2.json');
    if (existsSync(packed))
      return JSON.parse(gunzipSync(readFileSync(packed)).toString('utf8')) as ServiceModel;
    if (existsSync(plain)) return JSON.parse(readFileSync(plain, 'utf8')) as ServiceModel;
    throw new Error(
      `no AWS service model for ${service} under ${dir} (run: bash tools/infra/up.sh aws-models)`,
    );
  };
  return Object.fromEntries(
    Object.entries(MODEL_DIRECTORIES).map(([service, directory]) => [service, read(directory)]),
  ) as Record<ModelledService, ServiceModel>;
}
