import { ChannelSchema, type Channel } from '@holdfast/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

const CHANNELS = ChannelSchema.options;

export class PutCarrierMappingDto {
  @ApiProperty({ description: "The merchant's carrier as the ERP names it; matched case- and punctuation-insensitively.", example: 'Poste Italiane' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  carrier!: string;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: Channel;

  @ApiPropertyOptional({ description: 'Only for this marketplace; omit or null for every marketplace of the channel.', example: 'APJ6JRA9NG5V4', nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,50}$/)
  marketplaceId?: string | null;

  @ApiProperty({ description: "Exactly what the channel is sent (Amazon: a code on its list, case-sensitive, or 'Other').", example: 'Poste Italiane' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  code!: string;

  @ApiPropertyOptional({ description: "Carrier name for the channel; required with code 'Other'.", nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string | null;
}

export class CarrierMappingListQuery {
  @ApiPropertyOptional({ enum: CHANNELS })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ description: 'A carrier as the ERP names it.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  carrier?: string;
}

export class CarrierMappingIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class ChannelParams {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: Channel;
}

export class ChannelCodeParams extends ChannelParams {
  @ApiProperty({ example: 'GO!' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  code!: string;
}

export class CarrierMappingView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'poste-italiane' }) carrier!: string;
  @ApiProperty({ enum: CHANNELS }) channel!: string;
  @ApiProperty({ nullable: true, type: String }) marketplaceId!: string | null;
  @ApiProperty() code!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
