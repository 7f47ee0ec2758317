import { buildApp } from './stacks/build-app';

// cdk.json's entry point: `npx cdk synth -c stage=prod`. Tests call buildApp() themselves.
buildApp().app.synth();
