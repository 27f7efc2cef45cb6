module.exports = { displayName: 'tools-dev-stack', preset: '../../jest.preset.js', rootDir: __dirname };
