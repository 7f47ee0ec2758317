import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger. It never receives request headers, source addresses, or citizens' text. */
export const logger = new Logger({ serviceName: 'sipas' });
