import type * as z from 'zod';
import * as api from './api/schemas';

/**
 * The one list of functions and routes. The CDK stateless stack deploys exactly these functions
 * and routes; the local gateway serves exactly these; the OpenAPI document describes exactly these.
 */
export type DynamoAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:Query'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:BatchWriteItem';

export interface FunctionSpec {
  /** the handler file, relative to the project root; it exports `handler` */
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** the DynamoDB actions it uses, and nothing more */
  table: DynamoAction[];
  /** reads the QR signing keys */
  qrKeys?: boolean;
  /** publishes to the alerts topic */
  alerts?: boolean;
}

const READ: DynamoAction[] = ['dynamodb:GetItem', 'dynamodb:Query'];
const AGGREGATE: DynamoAction[] = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'];

export const FUNCTIONS = {
  survey: {
    entry: 'functions/survey-page.ts',
    description: 'Citizens: the survey page and the thank-you page behind a QR code',
    memoryMb: 256,
    timeoutSeconds: 10,
    table: ['dynamodb:GetItem'],
    qrKeys: true,
  },
  submitRating: {
    entry: 'functions/submit-rating.ts',
    description: 'Citizens: stores a rating once',
    memoryMb: 256,
    timeoutSeconds: 10,
    table: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    qrKeys: true,
  },
  importRatings: {
    entry: 'functions/import-ratings.ts',
    description: 'Officials: imports paper or historical ratings (JSON or CSV)',
    memoryMb: 512,
    timeoutSeconds: 29,
    table: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  },
  units: {
    entry: 'functions/units.ts',
    description: 'Officials: creates, moves and lists units',
    memoryMb: 256,
    timeoutSeconds: 29,
    table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
  },
  qr: {
    entry: 'functions/qr.ts',
    description: 'Officials: signed QR codes (SVG, PNG) and printable posters',
    memoryMb: 512,
    timeoutSeconds: 10,
    table: ['dynamodb:GetItem', 'dynamodb:Query'],
    qrKeys: true,
  },
  results: {
    entry: 'functions/results.ts',
    description: 'Public: index snapshots and rankings',
    memoryMb: 256,
    timeoutSeconds: 10,
    table: READ,
  },
  aggregations: {
    entry: 'functions/aggregations.ts',
    description: 'Officials: recomputes the results of a range of days now',
    memoryMb: 1024,
    timeoutSeconds: 29,
    table: AGGREGATE,
  },
  nightly: {
    entry: 'functions/nightly.ts',
    description: 'Schedule: closes yesterday (Vietnam time) into histograms, snapshots and ranks',
    memoryMb: 1769,
    timeoutSeconds: 900,
    table: AGGREGATE,
  },
  openapi: {
    entry: 'functions/openapi.ts',
    description: 'Public: the OpenAPI document',
    memoryMb: 256,
    timeoutSeconds: 10,
    table: [],
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway route path, with {name} parameters */
  path: string;
  function: Exclude<FunctionName, 'nightly'>;
  /** `official`: the JWT authorizer admits the request, the handler checks role and subtree */
  auth: 'public' | 'official';
  summary: string;
  query?: z.ZodType;
  body?: z.ZodType;
  /** the media types the route accepts, when it takes a body */
  accepts?: string[];
  /** the success response: a JSON schema, or the media type of what it returns */
  response: { status: number; schema?: z.ZodType; mediaType?: string };
}

export const ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/s/{code}',
    function: 'survey',
    auth: 'public',
    summary: 'The survey page a QR code opens (?lang=en for English)',
    response: { status: 200, mediaType: 'text/html' },
  },
  {
    method: 'GET',
    path: '/s/{code}/thanks',
    function: 'survey',
    auth: 'public',
    summary: 'The thank-you page after a rating',
    response: { status: 200, mediaType: 'text/html' },
  },
  {
    method: 'POST',
    path: '/v1/ratings',
    function: 'submitRating',
    auth: 'public',
    summary: 'Submit a rating (JSON, or the no-JavaScript form, which gets a 303 to the thank-you page)',
    body: api.RatingSubmission,
    accepts: ['application/json', 'application/x-www-form-urlencoded'],
    response: { status: 201, schema: api.RatingCreated },
  },
  {
    method: 'POST',
    path: '/v1/ratings/import',
    function: 'importRatings',
    auth: 'official',
    summary: 'Import up to 1,000 ratings (JSON or text/csv)',
    body: api.ImportRequest,
    accepts: ['application/json', 'text/csv'],
    response: { status: 200, schema: api.ImportResult },
  },
  {
    method: 'GET',
    path: '/v1/units',
    function: 'units',
    auth: 'official',
    summary: 'List the children of a unit (or the roots of your area)',
    query: api.UnitsQuery,
    response: { status: 200, schema: api.UnitOutput.array() },
  },
  {
    method: 'GET',
    path: '/v1/units/{unitId}',
    function: 'units',
    auth: 'official',
    summary: 'Get a unit',
    response: { status: 200, schema: api.UnitOutput },
  },
  {
    method: 'PUT',
    path: '/v1/units/{unitId}',
    function: 'units',
    auth: 'official',
    summary: 'Create or update a unit (a new parentId moves it with its subtree)',
    body: api.UnitInput,
    accepts: ['application/json'],
    response: { status: 200, schema: api.UnitOutput },
  },
  {
    method: 'GET',
    path: '/v1/units/{unitId}/qr.svg',
    function: 'qr',
    auth: 'official',
    summary: 'The unit’s signed QR code as SVG (?counter=)',
    query: api.QrQuery,
    response: { status: 200, mediaType: 'image/svg+xml' },
  },
  {
    method: 'GET',
    path: '/v1/units/{unitId}/qr.png',
    function: 'qr',
    auth: 'official',
    summary: 'The unit’s signed QR code as PNG (?counter=&size=)',
    query: api.QrQuery,
    response: { status: 200, mediaType: 'image/png' },
  },
  {
    method: 'GET',
    path: '/v1/units/{unitId}/poster',
    function: 'qr',
    auth: 'official',
    summary: 'A printable A4 poster with the unit’s QR code',
    query: api.QrQuery,
    response: { status: 200, mediaType: 'text/html' },
  },
  {
    method: 'GET',
    path: '/v1/units/{unitId}/index',
    function: 'results',
    auth: 'public',
    summary: 'The unit’s satisfaction index for a period',
    query: api.IndexQuery,
    response: { status: 200, schema: api.IndexSnapshot },
  },
  {
    method: 'GET',
    path: '/v1/rankings',
    function: 'results',
    auth: 'public',
    summary: 'The children of a unit ranked for a period',
    query: api.RankingsQuery,
    response: { status: 200, schema: api.Rankings },
  },
  {
    method: 'POST',
    path: '/v1/aggregations',
    function: 'aggregations',
    auth: 'official',
    summary: 'Recompute a range of days now (admins)',
    body: api.AggregationRequest,
    accepts: ['application/json'],
    response: { status: 200, schema: api.AggregationSummary },
  },
  {
    method: 'GET',
    path: '/v1/openapi.json',
    function: 'openapi',
    auth: 'public',
    summary: 'This API’s OpenAPI document',
    response: { status: 200, mediaType: 'application/json' },
  },
];

export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
