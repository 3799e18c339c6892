import { createRequire } from 'node:module';
import * as OldClient from '@eventstore/db-client';
import * as NewClient from '@kurrent/kurrentdb-client';

/**
 * Both client packages, and the gRPC library each of them uses, so tests can
 * build a server's error exactly as the client receives it (a gRPC
 * ServiceError with its metadata) and let the client's own code turn it into
 * its error class.
 */
const requireHere = createRequire(import.meta.url);

type GrpcMetadata = { set: (key: string, value: string) => void };
type Grpc = { Metadata: new () => GrpcMetadata; status: Readonly<Record<string, number>> };

const grpcOf = (clientPackage: string): Grpc =>
  createRequire(requireHere.resolve(clientPackage))('@grpc/grpc-js') as Grpc;

export type ClientPackageUnderTest = Readonly<{
  name: '@eventstore/db-client' | '@kurrent/kurrentdb-client';
  client: typeof OldClient | typeof NewClient;
  grpc: Grpc;
}>;

export const CLIENT_PACKAGES: readonly ClientPackageUnderTest[] = [
  { name: '@eventstore/db-client', client: OldClient, grpc: grpcOf('@eventstore/db-client') },
  { name: '@kurrent/kurrentdb-client', client: NewClient, grpc: grpcOf('@kurrent/kurrentdb-client') },
];

/** A gRPC ServiceError as @grpc/grpc-js delivers it: code, details, metadata with the server's keys. */
export const serviceError = (
  grpc: Grpc,
  code: string,
  details: string,
  metadata: Readonly<Record<string, string>> = {},
): Error => {
  const map = new grpc.Metadata();
  for (const [key, value] of Object.entries(metadata)) map.set(key, value);
  const status = grpc.status[code];
  return Object.assign(new Error(`${status} ${code}: ${details}`), { code: status, details, metadata: map });
};

export { NewClient, OldClient };
