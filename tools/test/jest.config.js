module.exports = { displayName: 'tools-test', preset: '../../jest.preset.js', rootDir: __dirname };
