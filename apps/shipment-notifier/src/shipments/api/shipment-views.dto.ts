import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/* Response shapes, for the OpenAPI document only. */

export class ShippedLineView {
  @ApiProperty() lineId!: string;
  @ApiProperty() channelSku!: string;
  @ApiProperty() quantity!: number;
}

export class NotificationErrorView {
  @ApiProperty({ example: 'InvalidInput' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class PackageNotificationView {
  @ApiProperty({ enum: ['pending', 'sent', 'confirmed', 'failed', 'held'] }) state!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) channelCarrierCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) channelCarrierName!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) nextAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: NotificationErrorView }) lastError!: NotificationErrorView | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) confirmedAt!: string | null;
  @ApiProperty({ nullable: true, enum: ['response', 'reconciliation'] }) confirmedBy!: string | null;
  @ApiProperty({ enum: ['none', 'pending', 'applied', 'not_applied'] }) verification!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) verifiedAt!: string | null;
}

export class PackageViewDto {
  @ApiProperty({ description: 'Numeric, unique within the order, the same on every retry.' }) packageReferenceId!: string;
  @ApiProperty() carrier!: string;
  @ApiProperty() trackingNumber!: string;
  @ApiProperty({ format: 'date-time' }) shipDate!: string;
  @ApiProperty({ nullable: true, type: String }) shippingMethod!: string | null;
  @ApiProperty({ type: [ShippedLineView] }) items!: ShippedLineView[];
  @ApiProperty({ type: PackageNotificationView }) notification!: PackageNotificationView;
}

export class ShipmentViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) reference!: string | null;
  @ApiProperty() channel!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty() orderId!: string;
  @ApiProperty({ nullable: true, type: String }) marketplaceId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) manifestId!: string | null;
  @ApiProperty({
    enum: ['pending', 'sent', 'confirmed', 'failed', 'held', 'voided'],
    description: "The shipment's state at its channel: the most urgent of its packages'.",
  })
  status!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) releasedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) voidedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: [ShippedLineView] }) lines!: ShippedLineView[];
  @ApiProperty({ type: [PackageViewDto] }) packages!: PackageViewDto[];
}

export class ShipmentListView {
  @ApiProperty({ type: [ShipmentViewDto] }) shipments!: ShipmentViewDto[];
  @ApiPropertyOptional({ format: 'uuid', description: 'Pass as `before` for the next page.' }) next?: string;
}

export class ManifestShipmentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() channel!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty() orderId!: string;
  @ApiProperty() status!: string;
}

export class ManifestViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) reference!: string | null;
  @ApiProperty({ nullable: true, type: String }) carrier!: string | null;
  @ApiProperty({ enum: ['in_preparation', 'shipped'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) shippedAt!: string | null;
  @ApiProperty({ type: [ManifestShipmentView] }) shipments!: ManifestShipmentView[];
}
