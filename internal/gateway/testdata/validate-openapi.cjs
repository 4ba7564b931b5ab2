// Validates an OpenAPI (Swagger 2.0) document with @apidevtools/swagger-parser:
// the specification's JSON schema and its semantic rules ($refs resolve,
// path parameters are declared, operationIds are unique).
// Usage: NODE_PATH=.cache/node/node_modules node validate-openapi.cjs FILE
const SwaggerParser = require("@apidevtools/swagger-parser");

SwaggerParser.validate(process.argv[2]).then(
  (api) => {
    console.log(`valid: ${api.info.title} ${api.info.version}, ${Object.keys(api.paths).length} paths`);
  },
  (err) => {
    console.error(err.message);
    process.exit(1);
  },
);
