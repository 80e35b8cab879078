import { similarNames } from '../../src/cli/similar-names';

describe('similarNames', () => {
  test('the nearest name comes first, even when a shorter one is contained in the query', () => {
    expect(similarNames('orders-db-client', ['orders-db', 'orders-db-clients', 'orders-api'])).toEqual(['orders-db-clients', 'orders-db']);
  });

  test('a construct path is compared by its last part as well', () => {
    expect(similarNames('DbSgg', ['Data/DbSg', 'Data/SpareSg', 'Api/ApiSg'])).toEqual(['Data/DbSg']);
  });

  test('names that contain the query are suggested however far they are', () => {
    expect(similarNames('spar', ['Data/SpareSg', 'orders-spare-long-name', 'Data/DbSg'])).toEqual(['Data/SpareSg', 'orders-spare-long-name']);
  });

  test('nothing near gives nothing, and never more than the limit', () => {
    expect(similarNames('zzzz', ['orders-db', 'orders-api'])).toEqual([]);
    expect(similarNames('sg', ['sg1', 'sg2', 'sg3', 'sg4'], 2)).toEqual(['sg1', 'sg2']);
  });
});
