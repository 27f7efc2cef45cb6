module.exports = { displayName: 'offer-ingest', preset: '../../jest.preset.js', rootDir: __dirname };
