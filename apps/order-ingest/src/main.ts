import './instrumentation';
import 'reflect-metadata';
import { runService } from '@holdfast/runtime';
import { orderIngestService } from './service';

void runService(orderIngestService);
