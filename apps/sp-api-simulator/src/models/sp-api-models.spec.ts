import { OPERATION_NAMES } from './operation-catalog';
import { locateModelsDirectory } from './model-files';
import { matchSandboxCase } from './sandbox-cases';
import { SpApiModels } from './sp-api-models';

describe(SpApiModels.name, () => {
  const models = SpApiModels.load(locateModelsDirectory());

  it('reads the default usage plans from the models, matching the documented table', () => {
    const plans = Object.fromEntries(OPERATION_NAMES.map((name) => [name, models.operation(name).usagePlan]));
    expect(plans).toEqual({
      searchOrders: { rate: 0.0056, burst: 20 },
      getOrder: { rate: 0.5, burst: 30 },
      getOrders: { rate: 0.0167, burst: 20 },
      getOrderItems: { rate: 0.5, burst: 30 },
      confirmShipment: { rate: 2, burst: 10 },
      patchListingsItem: { rate: 5, burst: 5 },
      getListingsItem: { rate: 5, burst: 10 },
      createFeedDocument: { rate: 0.5, burst: 15 },
      createFeed: { rate: 0.0083, burst: 15 },
      getFeed: { rate: 2, burst: 15 },
      getFeedDocument: { rate: 0.0222, burst: 10 },
    });
  });

  it('takes method and path of each operation from its model', () => {
    expect(models.operation('confirmShipment')).toMatchObject({
      method: 'POST',
      pathTemplate: '/orders/v0/orders/{orderId}/shipmentConfirmation',
    });
    expect(models.operation('searchOrders')).toMatchObject({
      method: 'GET',
      pathTemplate: '/orders/2026-01-01/orders',
    });
  });

  it('coerces query strings (csv arrays, integers) before validating them', () => {
    const { parameters, problems } = models.validateRequest('searchOrders', {
      path: {},
      query: new URLSearchParams('createdAfter=2025-01-01T00:00:00Z&marketplaceIds=A,B&maxResultsPerPage=7'),
      body: undefined,
    });
    expect(problems).toEqual([]);
    expect(parameters.query).toEqual({
      createdAfter: '2025-01-01T00:00:00Z',
      marketplaceIds: ['A', 'B'],
      maxResultsPerPage: 7,
    });
  });

  it('reports enum, format and required-body problems', () => {
    const statuses = models.validateRequest('searchOrders', {
      path: {},
      query: new URLSearchParams('fulfillmentStatuses=NOPE&createdAfter=soon'),
      body: undefined,
    });
    expect(statuses.problems).toHaveLength(2);
    const noBody = models.validateRequest('confirmShipment', {
      path: { orderId: '1' },
      query: new URLSearchParams(),
      body: undefined,
    });
    expect(noBody.problems).toEqual(['a request body is required']);
    const badBody = models.validateRequest('createFeed', {
      path: {},
      query: new URLSearchParams(),
      body: { feedType: 'X', marketplaceIds: [] },
    });
    expect(badBody.problems.join(' ')).toMatch(/inputFeedDocumentId/);
  });

  it('validates response bodies against the schema for their status', () => {
    expect(
      models.validateResponse('getFeed', 200, {
        feedId: '1',
        feedType: 'X',
        createdTime: '2025-01-01T00:00:00Z',
        processingStatus: 'DONE',
      }),
    ).toEqual([]);
    expect(
      models.validateResponse('getFeed', 200, { feedId: '1', processingStatus: 'FINISHED' }),
    ).not.toEqual([]);
    expect(models.validateResponse('confirmShipment', 204, undefined)).toEqual([]);
    expect(models.validateResponse('confirmShipment', 418, {})).toEqual([
      'status 418 is not documented for confirmShipment',
    ]);
  });

  it('validates listings feed messages one by one, using the message definition of the feed schema', () => {
    expect(models.validateListingsFeedMessage({ messageId: 1, sku: 'A', operationType: 'DELETE' })).toEqual(
      [],
    );
    expect(
      models.validateListingsFeedMessage({ messageId: 1, sku: 'A', operationType: 'PATCH', patches: [] }),
    ).not.toEqual([]);
    expect(
      models.validateListingsFeedMessage({ messageId: 2_147_483_648, sku: 'A', operationType: 'DELETE' }),
    ).not.toEqual([]);
    // One problem per thing wrong with the message, from the branch for its operation type only.
    const patch = [{ op: 'delete', path: '/attributes/fulfillment_availability' }];
    expect(
      models.validateListingsFeedMessage({ messageId: 1, sku: 'A', operationType: 'PATCH', patches: patch }),
    ).toEqual(["message must have required property 'productType'"]);
    expect(
      models.validateListingsFeedMessage({
        messageId: 1,
        sku: 'A',
        operationType: 'DELETE',
        productType: 'HOME',
      }),
    ).toEqual(['message/productType is not allowed here']);
    expect(
      models.validateListingsFeedMessage({ messageId: 1, sku: 'A', operationType: 'MOVE', patches: patch }),
    ).toContain(
      'message/operationType must be equal to one of the allowed values (UPDATE, PARTIAL_UPDATE, PATCH, DELETE)',
    );
    expect(
      models.validateListingsFeedEnvelope({
        header: { sellerId: 'S', version: '2.0' },
        messages: [{ anything: true }],
      }),
    ).toEqual([]);
    expect(
      models.validateListingsFeedEnvelope({ header: { sellerId: 'S', version: '1.0' }, messages: [] }),
    ).not.toEqual([]);
  });

  describe(matchSandboxCase.name, () => {
    const spec = models.operation('patchListingsItem');
    const cases = models.sandboxCases('patchListingsItem');
    const request = (sku: string, query: string) => ({
      path: { sellerId: 'S', sku },
      query: new URLSearchParams(query),
      body: {},
    });

    it('prefers the case naming the most matching parameters; absent parameters match anything', () => {
      expect(matchSandboxCase(spec, cases, request('BadSKU', 'marketplaceIds=X'))?.status).toBe(400);
      expect(
        (matchSandboxCase(spec, cases, request('ANY', 'marketplaceIds=X'))?.response as { sku: string }).sku,
      ).toBe('GM-ZDPI-9B4E');
      const valid = matchSandboxCase(
        spec,
        cases,
        request(
          'VALIDATION_VALID',
          'marketplaceIds=ATVPDKIKX0DER&includedData=identifiers,issues&mode=VALIDATION_PREVIEW',
        ),
      );
      expect((valid?.response as { status: string }).status).toBe('VALID');
    });
  });
});
