import { Module } from '@nestjs/common';
import { loadNotifierSettings, NOTIFIER_SETTINGS } from './notifier-settings';

/** The notifier's settings, read and validated once at start. */
@Module({
  providers: [{ provide: NOTIFIER_SETTINGS, useFactory: () => loadNotifierSettings() }],
  exports: [NOTIFIER_SETTINGS],
})
export class NotifierSettingsModule {}
