process.env.SWITCHBOARD_TEST_DB = 'postgres';
