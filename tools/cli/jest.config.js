module.exports = { displayName: 'tools-cli', preset: '../../jest.preset.js', rootDir: __dirname };
