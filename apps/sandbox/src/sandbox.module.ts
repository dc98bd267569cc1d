import { DynamicModule, Module } from '@nestjs/common';
import { InspectController } from './http/inspect.controller';
import { PartnerApiController } from './http/partner-api.controller';
import { RequestRecorder } from './recording/request-recorder';
import { SANDBOX_OPTIONS, SandboxOptions } from './sandbox.options';

/** A local stand-in for the partners' APIs that records what the dispatchers send. */
@Module({})
export class SandboxModule {
  static withOptions(options: SandboxOptions): DynamicModule {
    return {
      module: SandboxModule,
      controllers: [InspectController, PartnerApiController],
      providers: [
        { provide: SANDBOX_OPTIONS, useValue: options },
        { provide: RequestRecorder, useValue: new RequestRecorder(options.keepPerPartner) },
      ],
    };
  }
}
