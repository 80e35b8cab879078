import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { ServerClientPair } from '../src';

/** A VPC, a Postgres database and the pair of groups that guards it. */
export class DataStack extends Stack {
  public readonly vpc: ec2.Vpc;
  public readonly database: ServerClientPair;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true });
    this.database = new ServerClientPair(this, 'Database', {
      vpc: this.vpc,
      name: 'orders-db',
      ports: [ec2.Port.tcp(5432)],
    });
    new rds.DatabaseInstance(this, 'Postgres', {
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_9 }),
      storageEncrypted: true,
      // The database carries only the server group; addServer() would add it beside a group of its own.
      securityGroups: [this.database.serverSecurityGroup],
    });
  }
}

/** An API in another stack that is a client of the database. */
export class ApiStack extends Stack {
  constructor(scope: Construct, id: string, data: DataStack, props?: StackProps) {
    super(scope, id, props);
    const api = new lambda.Function(this, 'Api', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
      vpc: data.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      allowAllOutbound: false,
    });
    data.database.addClient(api);
  }
}

export function buildExampleApp(outdir: string): App {
  const app = new App({ outdir });
  const env = { account: '111111111111', region: 'eu-west-1' };
  const data = new DataStack(app, 'OrdersData', { env });
  new ApiStack(app, 'OrdersApi', data, { env });
  return app;
}
