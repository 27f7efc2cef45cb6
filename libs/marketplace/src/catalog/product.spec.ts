import { productDimensionsOf } from './product';

describe(productDimensionsOf.name, () => {
  it('reads usage dimensions as AWS types them (ExternallyMetered, or Metered) and entitled ones', () => {
    const sut = productDimensionsOf({
      Dimensions: [
        { Key: 'users', Types: ['Entitled'] },
        { Key: 'api_calls', Types: ['ExternallyMetered'] },
        { Key: 'storage_gb', Types: ['Metered', 'ExternallyMetered'] },
        { Key: 'legacy', Types: ['Metered'] },
        { Key: 'untyped' },
      ],
    });
    expect(sut).toEqual({ entitled: ['users'], metered: ['api_calls', 'storage_gb', 'legacy'] });
    expect(productDimensionsOf(undefined)).toEqual({ entitled: [], metered: [] });
  });
});
