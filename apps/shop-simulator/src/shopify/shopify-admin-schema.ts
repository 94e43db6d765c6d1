import { buildSchema, GraphQLError, GraphQLScalarType, Kind, type GraphQLSchema } from 'graphql';

/**
 * The part of Shopify's GraphQL Admin API (2026-07) that Holdfast uses, with the real type, field,
 * argument and enum names, so an adapter query that names a field Shopify does not have fails
 * validation here as it would there. Anything outside this subset is simply not served.
 */
const SDL = /* GraphQL */ `
  directive @idempotent(key: String!) on FIELD

  scalar DateTime
  scalar URL
  scalar UnsignedInt64

  type Query {
    orders(
      first: Int
      after: String
      last: Int
      before: String
      query: String
      sortKey: OrderSortKeys = PROCESSED_AT
      reverse: Boolean = false
    ): OrderConnection!
    order(id: ID!): Order
    productVariants(
      first: Int
      after: String
      last: Int
      before: String
      query: String
      sortKey: ProductVariantSortKeys = ID
      reverse: Boolean = false
    ): ProductVariantConnection!
    productVariant(id: ID!): ProductVariant
    inventoryItem(id: ID!): InventoryItem
    locations(
      first: Int
      after: String
      last: Int
      before: String
      includeInactive: Boolean = false
    ): LocationConnection!
    location(id: ID): Location
    fulfillmentOrder(id: ID!): FulfillmentOrder
    shop: Shop!
  }

  type Mutation {
    inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload
    fulfillmentCreate(fulfillment: FulfillmentInput!, message: String): FulfillmentCreatePayload
  }

  enum OrderSortKeys {
    CREATED_AT
    ID
    NUMBER
    PROCESSED_AT
    UPDATED_AT
  }
  enum ProductVariantSortKeys {
    ID
    SKU
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Shop {
    id: ID!
    name: String!
    myshopifyDomain: String!
    ianaTimezone: String!
  }

  type Location {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    isActive: Boolean!
  }
  type LocationEdge {
    cursor: String!
    node: Location!
  }
  type LocationConnection {
    nodes: [Location!]!
    edges: [LocationEdge!]!
    pageInfo: PageInfo!
  }

  type Product {
    id: ID!
    legacyResourceId: UnsignedInt64!
    title: String!
  }

  type ProductVariant {
    id: ID!
    legacyResourceId: UnsignedInt64!
    sku: String
    title: String!
    displayName: String!
    inventoryQuantity: Int
    inventoryItem: InventoryItem!
    product: Product!
  }
  type ProductVariantEdge {
    cursor: String!
    node: ProductVariant!
  }
  type ProductVariantConnection {
    nodes: [ProductVariant!]!
    edges: [ProductVariantEdge!]!
    pageInfo: PageInfo!
  }

  type InventoryItem {
    id: ID!
    legacyResourceId: UnsignedInt64!
    sku: String
    tracked: Boolean!
    variant: ProductVariant!
    inventoryLevel(locationId: ID!): InventoryLevel
    inventoryLevels(first: Int, after: String, last: Int, before: String): InventoryLevelConnection!
  }

  type InventoryLevel {
    id: ID!
    item: InventoryItem!
    location: Location!
    quantities(names: [String!]!): [InventoryQuantity!]!
    updatedAt: DateTime!
  }
  type InventoryLevelEdge {
    cursor: String!
    node: InventoryLevel!
  }
  type InventoryLevelConnection {
    nodes: [InventoryLevel!]!
    edges: [InventoryLevelEdge!]!
    pageInfo: PageInfo!
  }

  type InventoryQuantity {
    id: ID!
    name: String!
    quantity: Int!
    updatedAt: DateTime
  }

  enum OrderDisplayFinancialStatus {
    AUTHORIZED
    EXPIRED
    PAID
    PARTIALLY_PAID
    PARTIALLY_REFUNDED
    PENDING
    REFUNDED
    VOIDED
  }
  enum OrderDisplayFulfillmentStatus {
    FULFILLED
    IN_PROGRESS
    ON_HOLD
    OPEN
    PARTIALLY_FULFILLED
    PENDING_FULFILLMENT
    REQUEST_DECLINED
    RESTOCKED
    SCHEDULED
    UNFULFILLED
  }
  enum OrderCancelReason {
    CUSTOMER
    DECLINED
    FRAUD
    INVENTORY
    OTHER
    STAFF
  }

  type Order {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    createdAt: DateTime!
    updatedAt: DateTime!
    processedAt: DateTime!
    cancelledAt: DateTime
    cancelReason: OrderCancelReason
    closed: Boolean!
    closedAt: DateTime
    test: Boolean!
    displayFinancialStatus: OrderDisplayFinancialStatus
    displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
    email: String
    lineItems(first: Int, after: String, last: Int, before: String): LineItemConnection!
    fulfillmentOrders(
      first: Int
      after: String
      last: Int
      before: String
      displayable: Boolean = false
    ): FulfillmentOrderConnection!
    fulfillments(first: Int): [Fulfillment!]!
  }
  type OrderEdge {
    cursor: String!
    node: Order!
  }
  type OrderConnection {
    nodes: [Order!]!
    edges: [OrderEdge!]!
    pageInfo: PageInfo!
  }

  type LineItem {
    id: ID!
    sku: String
    name: String!
    title: String!
    quantity: Int!
    currentQuantity: Int!
    unfulfilledQuantity: Int!
    variant: ProductVariant
  }
  type LineItemEdge {
    cursor: String!
    node: LineItem!
  }
  type LineItemConnection {
    nodes: [LineItem!]!
    edges: [LineItemEdge!]!
    pageInfo: PageInfo!
  }

  enum FulfillmentOrderStatus {
    CANCELLED
    CLOSED
    INCOMPLETE
    IN_PROGRESS
    ON_HOLD
    OPEN
    SCHEDULED
  }

  type FulfillmentOrderAssignedLocation {
    location: Location
    name: String!
  }

  type FulfillmentOrder {
    id: ID!
    status: FulfillmentOrderStatus!
    createdAt: DateTime!
    updatedAt: DateTime!
    assignedLocation: FulfillmentOrderAssignedLocation!
    orderId: ID!
    lineItems(first: Int, after: String, last: Int, before: String): FulfillmentOrderLineItemConnection!
  }
  type FulfillmentOrderEdge {
    cursor: String!
    node: FulfillmentOrder!
  }
  type FulfillmentOrderConnection {
    nodes: [FulfillmentOrder!]!
    edges: [FulfillmentOrderEdge!]!
    pageInfo: PageInfo!
  }

  type FulfillmentOrderLineItem {
    id: ID!
    sku: String
    totalQuantity: Int!
    remainingQuantity: Int!
    lineItem: LineItem!
  }
  type FulfillmentOrderLineItemEdge {
    cursor: String!
    node: FulfillmentOrderLineItem!
  }
  type FulfillmentOrderLineItemConnection {
    nodes: [FulfillmentOrderLineItem!]!
    edges: [FulfillmentOrderLineItemEdge!]!
    pageInfo: PageInfo!
  }

  enum FulfillmentStatus {
    CANCELLED
    ERROR
    FAILURE
    SUCCESS
  }

  type FulfillmentTrackingInfo {
    company: String
    number: String
    url: URL
  }

  type Fulfillment {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    status: FulfillmentStatus!
    createdAt: DateTime!
    updatedAt: DateTime!
    trackingInfo(first: Int): [FulfillmentTrackingInfo!]!
    fulfillmentLineItems(first: Int, after: String, last: Int, before: String): FulfillmentLineItemConnection!
  }

  type FulfillmentLineItem {
    id: ID!
    quantity: Int
    lineItem: LineItem!
  }
  type FulfillmentLineItemEdge {
    cursor: String!
    node: FulfillmentLineItem!
  }
  type FulfillmentLineItemConnection {
    nodes: [FulfillmentLineItem!]!
    edges: [FulfillmentLineItemEdge!]!
    pageInfo: PageInfo!
  }

  input InventorySetQuantitiesInput {
    name: String!
    reason: String!
    referenceDocumentUri: String
    quantities: [InventoryQuantityInput!]!
  }

  input InventoryQuantityInput {
    inventoryItemId: ID!
    locationId: ID!
    quantity: Int!
    changeFromQuantity: Int
  }

  type InventorySetQuantitiesPayload {
    inventoryAdjustmentGroup: InventoryAdjustmentGroup
    userErrors: [InventorySetQuantitiesUserError!]!
  }

  type InventoryAdjustmentGroup {
    id: ID!
    createdAt: DateTime!
    reason: String!
    referenceDocumentUri: String
    changes(inventoryItemIds: [ID!], locationIds: [ID!], quantityNames: [String!]): [InventoryChange!]!
  }

  type InventoryChange {
    name: String!
    delta: Int!
    quantityAfterChange: Int
    item: InventoryItem
    location: Location
  }

  enum InventorySetQuantitiesUserErrorCode {
    CHANGE_FROM_QUANTITY_STALE
    COMPARE_QUANTITY_REQUIRED
    COMPARE_QUANTITY_STALE
    IDEMPOTENCY_CONCURRENT_REQUEST
    IDEMPOTENCY_KEY_PARAMETER_MISMATCH
    IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED
    INVALID_INVENTORY_ITEM
    INVALID_LOCATION
    INVALID_NAME
    INVALID_QUANTITY_NEGATIVE
    INVALID_QUANTITY_TOO_HIGH
    INVALID_REASON
    INVALID_REFERENCE_DOCUMENT
    ITEM_NOT_STOCKED_AT_LOCATION
    NON_MUTABLE_INVENTORY_ITEM
  }

  type InventorySetQuantitiesUserError {
    code: InventorySetQuantitiesUserErrorCode
    field: [String!]
    message: String!
  }

  input FulfillmentInput {
    lineItemsByFulfillmentOrder: [FulfillmentOrderLineItemsInput!]!
    notifyCustomer: Boolean = false
    trackingInfo: FulfillmentTrackingInput
    originAddress: FulfillmentOriginAddressInput
  }

  input FulfillmentOrderLineItemsInput {
    fulfillmentOrderId: ID!
    fulfillmentOrderLineItems: [FulfillmentOrderLineItemInput!]
  }

  input FulfillmentOrderLineItemInput {
    id: ID!
    quantity: Int!
  }

  input FulfillmentTrackingInput {
    company: String
    number: String
    numbers: [String!]
    url: URL
    urls: [URL!]
  }

  input FulfillmentOriginAddressInput {
    address1: String
    address2: String
    city: String
    zip: String
    provinceCode: String
    countryCode: String!
  }

  type UserError {
    field: [String!]
    message: String!
  }

  type FulfillmentCreatePayload {
    fulfillment: Fulfillment
    userErrors: [UserError!]!
  }
`;

function parseUrl(value: unknown): string {
  if (typeof value !== 'string') throw new GraphQLError('Invalid URL');
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new GraphQLError(`Invalid url '${value}', missing scheme`);
  }
  return value;
}

let cached: GraphQLSchema | undefined;

export function shopifyAdminSchema(): GraphQLSchema {
  if (cached) return cached;
  const schema = buildSchema(SDL);
  const url = schema.getType('URL') as GraphQLScalarType;
  url.parseValue = parseUrl;
  url.parseLiteral = (node) => {
    if (node.kind !== Kind.STRING) throw new GraphQLError('Invalid URL');
    return parseUrl(node.value);
  };
  cached = schema;
  return schema;
}
