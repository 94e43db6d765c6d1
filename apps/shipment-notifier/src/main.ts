import './instrumentation';
import 'reflect-metadata';
import { runService } from '@holdfast/runtime';
import { shipmentNotifierService } from './service';

void runService(shipmentNotifierService);
