// The cold-start benchmark's yardstick (bench/cold-start.ts): a bundle of the DynamoDB client alone,
// built with the functions' own bundling options. Every function needs at least this much.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});

export const handler = async () => client.config.region();
