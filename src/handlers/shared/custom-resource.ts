/** The CDK Provider framework's event for a custom resource, with its properties' type. */
export interface CustomResourceEvent<P> {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceProperties: P;
  readonly OldResourceProperties?: P;
  readonly PhysicalResourceId?: string;
}
