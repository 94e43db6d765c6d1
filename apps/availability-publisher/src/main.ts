import './instrumentation';
import 'reflect-metadata';
import { runService } from '@holdfast/runtime';
import { availabilityPublisherService } from './service';

void runService(availabilityPublisherService);
