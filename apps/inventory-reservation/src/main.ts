import './instrumentation';
import 'reflect-metadata';
import { runService } from '@holdfast/runtime';
import { inventoryReservationService } from './service';

void runService(inventoryReservationService);
