import { Stack, Tags, Validations, App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ENV, postgres, vpcFunction } from '../support/analyse-app';

export interface OrdersFixtureOptions {
  /** Acknowledge the bastion's open SSH, with this reason ('' for none). */
  readonly acknowledgeBastion?: string;
}

/**
 * Two stacks: Data holds the VPC, a database and its group, a spare group nothing uses, and a bastion open
 * to the world on SSH; Api holds a VPC function whose group (Name tag orders-db-clients) the database admits.
 */
export function ordersFixture(app: App, options: OrdersFixtureOptions = {}): void {
  const data = new Stack(app, 'Data', { env: ENV });
  const vpc = new ec2.Vpc(data, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const dbSg = new ec2.SecurityGroup(data, 'DbSg', { vpc, securityGroupName: 'orders-db', allowAllOutbound: false });
  postgres(data, vpc, 'Db', { securityGroups: [dbSg] });
  new ec2.SecurityGroup(data, 'SpareSg', { vpc, securityGroupName: 'orders-spare', allowAllOutbound: false });
  const bastion = new ec2.SecurityGroup(data, 'Bastion', { vpc, allowAllOutbound: false });
  bastion.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  if (options.acknowledgeBastion !== undefined) {
    Validations.of(bastion).acknowledge({ id: 'sg-strategy::WorldOpenAdminPort', reason: options.acknowledgeBastion });
  }

  const api = new Stack(app, 'Api', { env: ENV });
  const apiSg = new ec2.SecurityGroup(api, 'ApiSg', { vpc, securityGroupName: 'orders-api', allowAllOutbound: false });
  Tags.of(apiSg).add('Name', 'orders-db-clients');
  vpcFunction(api, 'Handler', vpc, { securityGroups: [apiSg] });
  apiSg.connections.allowTo(dbSg, ec2.Port.tcp(5432));
}
