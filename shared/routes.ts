import * as z from 'zod';
import * as api from './api/schemas';

/**
 * The one list of functions and routes. The CDK stateless stack deploys exactly these functions
 * and routes; the local gateway serves exactly these; the OpenAPI document describes exactly these.
 */
export type DynamoAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
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
  /** subscribes and unsubscribes endpoints to the alerts topic, and asks for their status (sns:Subscribe, sns:Unsubscribe, sns:GetSubscriptionAttributes) */
  alertSubscriptions?: boolean;
  /** points alert subscriptions at a moved unit's new path (sns:SetSubscriptionAttributes) */
  alertFilters?: boolean;
}

const READ: DynamoAction[] = ['dynamodb:GetItem', 'dynamodb:Query'];
const AGGREGATE: DynamoAction[] = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
];
/** aggregating, then recording alerts once (conditional PutItem) and working their outbox (UpdateItem) */
const AGGREGATE_AND_ALERT: DynamoAction[] = [...AGGREGATE, 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

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
    // UpdateItem: the rate-limit counters
    table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
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
    // a moved unit's alert subscriptions follow it
    alertFilters: true,
  },
  qr: {
    entry: 'functions/qr.ts',
    description: 'Officials: signed QR codes (SVG, PNG) and printable posters',
    memoryMb: 512,
    timeoutSeconds: 10,
    table: ['dynamodb:GetItem', 'dynamodb:Query'],
    qrKeys: true,
  },
  review: {
    entry: 'functions/flagged-ratings.ts',
    description: 'Officials: ratings flagged for review (bursts from one source), per day',
    memoryMb: 256,
    timeoutSeconds: 29,
    table: READ,
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
    table: AGGREGATE_AND_ALERT,
    alerts: true,
  },
  nightly: {
    entry: 'functions/nightly.ts',
    description: 'Schedule: closes yesterday (Vietnam time) into histograms, snapshots and ranks',
    memoryMb: 1769,
    timeoutSeconds: 900,
    table: AGGREGATE_AND_ALERT,
    alerts: true,
  },
  alerts: {
    entry: 'functions/alerts.ts',
    description: 'Officials: the alert list and acknowledgements',
    memoryMb: 256,
    timeoutSeconds: 10,
    table: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  },
  subscriptions: {
    entry: 'functions/subscriptions.ts',
    description: 'Officials: subscriptions to the alerts of a subtree',
    memoryMb: 256,
    timeoutSeconds: 10,
    table: [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
      'dynamodb:DeleteItem',
    ],
    alertSubscriptions: true,
  },
  digest: {
    entry: 'functions/digest.ts',
    description: 'Schedule (weekly): a summary of each subscribed scope, published to the alerts topic',
    memoryMb: 512,
    timeoutSeconds: 300,
    table: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
    alerts: true,
  },
  openapi: {
    entry: 'functions/openapi.ts',
    description: 'Public: the OpenAPI document',
    memoryMb: 256,
    timeoutSeconds: 10,
    table: [],
  },
  dashboard: {
    entry: 'functions/dashboard.ts',
    description: 'Officials: the dashboard page, its views from snapshots, and the monthly report',
    memoryMb: 512,
    timeoutSeconds: 29,
    table: READ,
  },
  publicResults: {
    entry: 'functions/public-results.ts',
    description: 'Public: a unit’s results page and the method explained',
    memoryMb: 256,
    timeoutSeconds: 10,
    table: READ,
  },
  exports: {
    entry: 'functions/exports.ts',
    description: 'Officials: ratings and snapshots as CSV or JSON',
    memoryMb: 1024,
    timeoutSeconds: 29,
    table: READ,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway route path, with {name} parameters */
  path: string;
  function: Exclude<FunctionName, 'nightly' | 'digest'>;
  /** `official`: the JWT authorizer admits the request, the handler checks role and subtree */
  auth: 'public' | 'official';
  summary: string;
  /** classic or zod/mini schemas (z.core.$ZodType covers both) */
  query?: z.core.$ZodType;
  body?: z.core.$ZodType;
  /** the media types the route accepts, when it takes a body */
  accepts?: string[];
  /**
   * the success response: a JSON schema, or the media type of what it returns; `also`, the other
   * successes the route answers with (the same body, or a redirect for 3xx)
   */
  response: {
    status: number;
    schema?: z.core.$ZodType;
    mediaType?: string;
    also?: { status: number; description: string }[];
  };
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
    response: {
      status: 201,
      schema: api.RatingCreated,
      also: [
        { status: 200, description: 'The same submissionId again: the rating stored the first time' },
        { status: 303, description: 'The no-JavaScript form: to the thank-you page' },
      ],
    },
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
    response: { status: 200, schema: z.array(api.UnitOutput) },
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
    response: {
      status: 200,
      schema: api.UnitOutput,
      also: [{ status: 201, description: 'Created' }],
    },
  },
  {
    method: 'POST',
    path: '/v1/units/{unitId}/merge',
    function: 'units',
    auth: 'official',
    summary:
      'Merge a unit into another: its ratings count for that unit from the next recompute; past results stay',
    body: api.MergeRequest,
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
    path: '/v1/units/{unitId}/posters',
    function: 'qr',
    auth: 'official',
    summary: 'Printable A4 posters for the unit and every unit below it, one per page',
    query: api.PostersQuery,
    response: { status: 200, mediaType: 'text/html' },
  },
  {
    method: 'GET',
    path: '/v1/units/{unitId}/flagged',
    function: 'review',
    auth: 'official',
    summary:
      'The unit’s ratings flagged for review (bursts from one source), per day (?from=&to=, ≤ 31 days)',
    query: api.FlaggedQuery,
    response: { status: 200, schema: api.FlaggedRatings },
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
    summary: 'The children of a unit (without parent: the top-level units) ranked for a period',
    query: api.RankingsQuery,
    response: { status: 200, schema: api.Rankings },
  },
  {
    method: 'POST',
    path: '/v1/aggregations',
    function: 'aggregations',
    auth: 'official',
    summary: 'Recompute a range of days now, up to today (admins)',
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
  {
    method: 'GET',
    path: '/dashboard',
    function: 'dashboard',
    auth: 'public',
    summary: 'The officials’ dashboard page (signs in, then reads the officials’ routes with the token)',
    query: api.PageQuery,
    response: { status: 200, mediaType: 'text/html' },
  },
  {
    method: 'GET',
    path: '/dashboard/report',
    function: 'dashboard',
    auth: 'public',
    summary:
      'The printable monthly report page (?unit=&period=YYYY-MM; reads the report route with the token)',
    query: api.PageQuery,
    response: { status: 200, mediaType: 'text/html' },
  },
  {
    method: 'GET',
    path: '/v1/tree',
    function: 'dashboard',
    auth: 'official',
    summary: 'The units you may see (your subtree; everything for an admin), in path order',
    response: { status: 200, schema: api.TreeOutput },
  },
  {
    method: 'GET',
    path: '/v1/units/{unitId}/dashboard',
    function: 'dashboard',
    auth: 'official',
    summary:
      'A unit’s dashboard for a period: snapshot, peers’ averages, children, monthly trend (Accept: text/html for the rendered view)',
    query: api.ViewQuery,
    response: { status: 200, schema: api.DashboardOutput },
  },
  {
    method: 'GET',
    path: '/v1/units/{unitId}/report',
    function: 'dashboard',
    auth: 'official',
    summary:
      'A unit’s monthly report: the dashboard’s figures with the month’s comments (Accept: text/html for the rendered report)',
    query: api.ReportQuery,
    response: { status: 200, schema: api.ReportOutput },
  },
  {
    method: 'GET',
    path: '/r/{unitId}',
    function: 'publicResults',
    auth: 'public',
    summary: 'A unit’s public results page: index, trend and rank (?period=&lang=en)',
    query: api.PublicResultsQuery,
    response: { status: 200, mediaType: 'text/html' },
  },
  {
    method: 'GET',
    path: '/method',
    function: 'publicResults',
    auth: 'public',
    summary: 'How the satisfaction index is computed, for the public (?lang=en)',
    query: api.PageQuery,
    response: { status: 200, mediaType: 'text/html' },
  },
  {
    method: 'GET',
    path: '/v1/units/{unitId}/ratings.csv',
    function: 'exports',
    auth: 'official',
    summary:
      'The ratings of a unit’s subtree received from..to (Vietnam days, at most 92), as CSV (UTF-8 with BOM)',
    query: api.RatingsExportQuery,
    response: { status: 200, mediaType: 'text/csv' },
  },
  {
    method: 'GET',
    path: '/v1/units/{unitId}/snapshots.csv',
    function: 'exports',
    auth: 'official',
    summary: 'The snapshots of a unit’s subtree for a range of periods of one kind, as CSV (UTF-8 with BOM)',
    query: api.SnapshotsExportQuery,
    response: { status: 200, mediaType: 'text/csv' },
  },
  {
    method: 'GET',
    path: '/v1/units/{unitId}/snapshots.json',
    function: 'exports',
    auth: 'official',
    summary: 'The snapshots of a unit’s subtree for a range of periods of one kind, as JSON',
    query: api.SnapshotsExportQuery,
    response: { status: 200, mediaType: 'application/json' },
  },
  {
    method: 'POST',
    path: '/v1/subscriptions',
    function: 'subscriptions',
    auth: 'official',
    summary: 'Subscribe an e-mail, phone (SMS), https or SQS endpoint to the alerts of a unit’s subtree',
    body: api.SubscriptionInput,
    accepts: ['application/json'],
    response: { status: 201, schema: api.SubscriptionOutput },
  },
  {
    method: 'GET',
    path: '/v1/subscriptions',
    function: 'subscriptions',
    auth: 'official',
    summary: 'Your subscriptions (every subscription, for administrators)',
    response: { status: 200, schema: api.ListedSubscription.array() },
  },
  {
    method: 'DELETE',
    path: '/v1/subscriptions/{id}',
    function: 'subscriptions',
    auth: 'official',
    summary: 'Remove a subscription',
    response: { status: 204 },
  },
  {
    method: 'GET',
    path: '/v1/alerts',
    function: 'alerts',
    auth: 'official',
    summary:
      'Alerts raised in your area (?unit=&from=&to=, Vietnam days, at most 366; the last 30 days by default)',
    query: api.AlertsQuery,
    response: { status: 200, schema: api.AlertOutput.array() },
  },
  {
    method: 'POST',
    path: '/v1/alerts/{id}/ack',
    function: 'alerts',
    auth: 'official',
    summary: 'Acknowledge an alert with a note (it is then not escalated)',
    body: api.AckInput,
    accepts: ['application/json'],
    response: { status: 200, schema: api.AlertOutput },
  },
];

export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
