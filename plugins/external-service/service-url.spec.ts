import { expect } from 'chai';
import { operationUrl } from './service-url.js';

describe('external-service: operationUrl', () => {
  it('appends the path to the base URL, keeping its query', () => {
    expect(operationUrl('http://127.0.0.1:8080/api/', '/items/7')?.href).to.equal('http://127.0.0.1:8080/api/items/7');
    expect(operationUrl('http://127.0.0.1:8080', '/health')?.href).to.equal('http://127.0.0.1:8080/health');
    expect(operationUrl('http://h/api?v=2', '/x?y=1')?.href).to.equal('http://h/api/x?y=1&v=2');
  });

  it('refuses paths that leave the base', () => {
    expect(operationUrl('http://h/api', '/../admin')).to.equal(undefined);
    expect(operationUrl('http://h/api', '/%2e%2e/admin')).to.equal(undefined);
    expect(operationUrl('http://h', '//evil.example/x')?.origin).to.equal('http://h');
    expect(operationUrl('http://h/api', '@evil.example/x')).to.equal(undefined);
  });
});
