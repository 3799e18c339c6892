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

type ProtoMessage = { serializeBinary: () => Uint8Array };
type Setters = Record<string, (value: never) => unknown>;

/**
 * A gRPC ServiceError as KurrentDB's v2 streams service sends it (the
 * multi-stream append): a rich status in `grpc-status-details-bin` whose
 * detail is one of the `kurrentdb.protocol.v2.streams.errors` messages,
 * built with the new client's own generated protobuf classes.
 */
export const richServiceError = (
  code: string,
  details: string,
  detailType: 'StreamRevisionConflictErrorDetails' | 'StreamTombstonedErrorDetails',
  fields: Readonly<Record<string, string>>,
): Error => {
  const fromClient = createRequire(requireHere.resolve('@kurrent/kurrentdb-client'));
  const generated = '../generated/kurrentdb/protocols';
  const errors = fromClient(`${generated}/v2/streams/errors_pb`) as Record<string, new () => ProtoMessage & Setters>;
  const status = fromClient(`${generated}/v1/status_pb`) as { Status: new () => ProtoMessage & Setters };
  const anyPb = createRequire(fromClient.resolve(`${generated}/v1/status_pb`))(
    'google-protobuf/google/protobuf/any_pb',
  ) as {
    Any: new () => ProtoMessage & Setters;
  };
  const Detail = errors[detailType];
  if (Detail === undefined) throw new Error(`no ${detailType} in the client's generated errors`);
  const detail = new Detail();
  for (const [field, value] of Object.entries(fields))
    (detail[`set${field[0]!.toUpperCase()}${field.slice(1)}`] as (v: string) => unknown)(value);
  const any = new anyPb.Any();
  (any['setTypeUrl'] as (v: string) => unknown)(
    `type.googleapis.com/kurrentdb.protocol.v2.streams.errors.${detailType}`,
  );
  (any['setValue'] as (v: Uint8Array) => unknown)(detail.serializeBinary());
  const rich = new status.Status();
  (rich['setMessage'] as (v: string) => unknown)(details);
  (rich['setDetails'] as (v: unknown) => unknown)(any);
  const grpc = grpcOf('@kurrent/kurrentdb-client');
  const map = new grpc.Metadata() as GrpcMetadata & { set: (key: string, value: string | Buffer) => void };
  map.set('grpc-status-details-bin', Buffer.from(rich.serializeBinary()));
  return Object.assign(new Error(`${grpc.status[code]} ${code}: ${details}`), {
    code: grpc.status[code],
    details,
    metadata: map,
  });
};

export { NewClient, OldClient };
