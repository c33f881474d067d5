import { Hono } from 'hono';
import { encodeModelList } from '../../openai/index.js';
import type { ModelCatalog } from '../../pool/model-catalog.js';

/** `GET /v1/models` (and `GET /v1/models/{id}`): what the pool can serve, in OpenAI's shape. */
export function modelsRoutes(catalog: ModelCatalog): Hono {
  const app = new Hono();
  app.get('/v1/models', (c) => c.json(encodeModelList(catalog.list())));
  app.get('/v1/models/:id{.+}', (c) => {
    const id = c.req.param('id');
    catalog.resolve(id);
    const [entry] = encodeModelList(catalog.list().filter((model) => model.id === id)).data;
    return c.json(entry);
  });
  return app;
}
