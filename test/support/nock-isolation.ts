import nock from 'nock';

// Jest reuses worker processes across projects: a unit spec's nock (which patches the shared
// http module and may block the network) must not outlive its file, or a later end-to-end
// file in the same worker finds 127.0.0.1 unreachable.
beforeAll(() => {
  if (!nock.isActive()) nock.activate();
});
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});
