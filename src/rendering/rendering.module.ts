import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { defaultTemplatesDir, TemplateRenderer } from './renderer';

@Module({
  providers: [
    {
      provide: TemplateRenderer,
      useFactory: (config: AppConfig) =>
        new TemplateRenderer({
          baseDir: defaultTemplatesDir(),
          overrideDir: config.env.SWITCHBOARD_TEMPLATES_DIR,
        }),
      inject: [AppConfig],
    },
  ],
  exports: [TemplateRenderer],
})
export class RenderingModule {}
